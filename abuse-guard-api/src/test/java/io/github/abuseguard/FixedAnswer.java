package io.github.abuseguard;

/** A guard of the engine tests that gives every request the same answer. */
final class FixedAnswer implements Guard {
    private final String name;
    private final Decision decision;

    FixedAnswer(String name, Decision decision) {
        this.name = name;
        this.decision = decision;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Decision check(GuardRequest request) {
        return decision;
    }
}
