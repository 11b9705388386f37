/**
 * Tool and infrastructure signals: user-agent rules, proxy and CDN forwarding headers, IP allow and
 * deny lists.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.client;

import org.jspecify.annotations.NullMarked;
