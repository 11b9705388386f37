/**
 * Where guards keep state: token buckets, windowed counters, bans and trails, in process (bounded) or
 * in a shared store implementing the same SPI.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.store;

import org.jspecify.annotations.NullMarked;
