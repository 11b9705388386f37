package io.github.abuseguard.testing;

import io.github.abuseguard.internal.ContentType;
import io.github.abuseguard.testing.internal.ModuleInternal;
import java.util.List;

/** Types that do and do not show an internal type, to prove {@link PublicSurface}'s rule can fail. */
public final class SurfaceFixtures {
    private SurfaceFixtures() {}

    /** A public type that shows an internal one, as a type argument: what the rule must catch. */
    public static final class Leaky {
        public List<ContentType> types() {
            return List.of();
        }
    }

    /** A public type that shows a type of a module's own internal package (not the api's). */
    public static final class LeakyModuleInternal {
        public ModuleInternal internal() {
            throw new UnsupportedOperationException();
        }
    }

    /** A public member of a package-private type: not the surface, so allowed. */
    static final class Hidden {
        public static final class Inner {
            public ContentType type() {
                throw new UnsupportedOperationException();
            }
        }
    }
}
