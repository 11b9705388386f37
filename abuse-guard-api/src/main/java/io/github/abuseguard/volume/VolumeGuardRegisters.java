package io.github.abuseguard.volume;

/** The sketch size of a bound: the power of two at least eight times it, 64 to 8192, so few paths share a register. */
final class VolumeGuardRegisters {
    private VolumeGuardRegisters() {}

    static int of(int maxDistinct) {
        int wanted = Math.max(64, 8 * maxDistinct);
        return Math.min(8192, Integer.highestOneBit(wanted - 1) << 1);
    }
}
