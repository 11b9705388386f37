/**
 * Disposable e-mail addresses: domain lists, normalisation, the optional MX check and bounce feedback.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.email;

import org.jspecify.annotations.NullMarked;
