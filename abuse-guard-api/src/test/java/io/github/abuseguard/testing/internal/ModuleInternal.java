package io.github.abuseguard.testing.internal;

/** A type of a module's own {@code internal} package, for {@code SurfaceFixtures}. */
public final class ModuleInternal {
    private ModuleInternal() {}
}
