package io.github.abuseguard.store;

import java.security.SecureRandom;

/** The random source of {@link Trails#uniqueReservation}. */
final class ReservationTokens {
    static final SecureRandom RANDOM = new SecureRandom();

    private ReservationTokens() {}
}
