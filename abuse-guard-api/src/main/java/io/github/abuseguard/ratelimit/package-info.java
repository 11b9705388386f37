/**
 * Token-bucket rate limits (Bucket4j): several limits per rule, a key and a cost per request.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.ratelimit;

import org.jspecify.annotations.NullMarked;
