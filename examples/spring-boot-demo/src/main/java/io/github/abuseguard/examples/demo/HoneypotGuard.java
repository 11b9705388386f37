package io.github.abuseguard.examples.demo;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.PathPattern;
import java.util.List;

/**
 * An application's own guard: a request for a path that no real client ever asks for (a WordPress
 * login, a leaked {@code .env}) comes from a scanner, and is refused. Built by {@link HoneypotGuardFactory}
 * from {@code abuse-guard.honeypot.*}, found through the GuardFactory SPI like the bundled guards.
 */
final class HoneypotGuard implements Guard {

    private final PathPattern[] traps;
    private final Decision refusal;

    HoneypotGuard(List<PathPattern> traps, int status) {
        this.traps = traps.toArray(PathPattern[]::new);
        this.refusal = Decision.deny(Action.REJECT)
                .guard("honeypot")
                .reason("honeypot")
                .status(status)
                .detail("This path is a trap for scanners.")
                .build();
    }

    @Override
    public String name() {
        return "honeypot";
    }

    /** Only routes a trap may match: the engine then asks this guard nothing about the real API's routes. */
    @Override
    public boolean mayApply(String method, PathPattern route) {
        for (PathPattern trap : traps) {
            if (trap.mayMatchPathOf(route)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Decision check(GuardRequest request) {
        for (PathPattern trap : traps) {
            if (trap.matches(request.path())) {
                return refusal;
            }
        }
        return Decision.allow();
    }
}
