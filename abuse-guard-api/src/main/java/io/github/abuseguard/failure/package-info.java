/**
 * Outcomes the application produced, counted per key in sliding windows: bans, distinct-value limits and
 * the under-attack mode of a route whose failure rate surges.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.failure;

import org.jspecify.annotations.NullMarked;
