/**
 * Request sequences: declarative precedence rules and a learned Markov model of a session's path
 * through the API.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.sequence;

import org.jspecify.annotations.NullMarked;
