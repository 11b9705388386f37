/**
 * The e-mail guard's parts that other modules of the library use but applications do not: the bounce
 * notification parser behind the starter's endpoint, and where it finds the certificates that sign them.
 * Not part of the public API: anything here may change in any release.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard.email.internal;

import org.jspecify.annotations.NullMarked;
