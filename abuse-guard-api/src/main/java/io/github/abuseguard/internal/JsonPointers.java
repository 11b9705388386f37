package io.github.abuseguard.internal;

import tools.jackson.core.JsonPointer;

/** JSON Pointers of the settings (a rule's field, a {@code body:} key), read as RFC 6901 writes them. */
public final class JsonPointers {
    private JsonPointers() {}

    /**
     * The pointer, checked at start-up: Jackson reads a {@code ~} followed by anything but {@code 0} or {@code 1} as
     * itself, so {@code /a~2b} named a field {@code a~2b} that a user meaning another escape never sends (probe52b F4:
     * such a rule started and judged nothing).
     *
     * @throws IllegalArgumentException if the pointer is malformed or holds an escape RFC 6901 does not define
     */
    public static JsonPointer compile(String pointer) {
        for (int i = pointer.indexOf('~'); i >= 0; i = pointer.indexOf('~', i + 1)) {
            if (i + 1 >= pointer.length() || (pointer.charAt(i + 1) != '0' && pointer.charAt(i + 1) != '1')) {
                throw new IllegalArgumentException(
                        "'" + pointer + "' is no JSON Pointer: '~' must be followed by 0" + " (for ~) or 1 (for /)");
            }
        }
        return JsonPointer.compile(pointer);
    }
}
