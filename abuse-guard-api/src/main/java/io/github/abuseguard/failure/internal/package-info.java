/**
 * Implementation details of the failure guard shared with the servlet filter and the Spring Boot starter. Not part of
 * the public API: anything here may change in any release.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is annotated
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.failure.internal;

import org.jspecify.annotations.NullMarked;
