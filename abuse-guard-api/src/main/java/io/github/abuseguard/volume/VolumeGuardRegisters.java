package io.github.abuseguard.volume;

/** The sketch size of a bound: the power of two at least twice it, 16 to 2048. */
final class VolumeGuardRegisters {
    private VolumeGuardRegisters() {}

    static int of(int maxDistinct) {
        int wanted = Math.max(16, 2 * maxDistinct);
        return Math.min(2048, Integer.highestOneBit(wanted - 1) << 1);
    }
}
