/**
 * The guard contract ({@link io.github.abuseguard.Guard}, {@link io.github.abuseguard.GuardRequest},
 * {@link io.github.abuseguard.Decision}) and the engine that runs guards in order
 * ({@link io.github.abuseguard.AbuseGuard}). Framework-free: no servlet or Spring types.
 *
 * <p>Every type here is null-marked: a parameter or return value may be {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.abuseguard;

import org.jspecify.annotations.NullMarked;
