/**
 * Per-client volume: distinct resource ids per key (enumeration, scraping) and the under-scrape mode.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.volume;

import org.jspecify.annotations.NullMarked;
