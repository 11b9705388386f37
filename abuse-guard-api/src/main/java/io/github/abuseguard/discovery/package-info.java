/**
 * API discovery: the endpoint inventory, which folds concrete paths into route templates by
 * cardinality.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.discovery;

import org.jspecify.annotations.NullMarked;
