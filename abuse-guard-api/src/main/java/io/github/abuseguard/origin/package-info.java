/**
 * Origin and Referer validation with exact scheme, host and port match, wildcard subdomains at a dot
 * boundary, and Fetch Metadata.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.origin;

import org.jspecify.annotations.NullMarked;
