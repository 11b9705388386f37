/**
 * Who the client is: the peer address, forwarded headers from trusted proxies only, and keys built
 * from addresses, headers, sessions and principals.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.identity;

import org.jspecify.annotations.NullMarked;
