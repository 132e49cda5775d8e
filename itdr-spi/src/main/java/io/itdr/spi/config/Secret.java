package io.itdr.spi.config;

import java.util.Objects;

/**
 * A secret value (token, client secret, private key). Its {@link #toString()} never shows the
 * value, so a secret that ends up in a log line, an exception or a record's toString stays
 * hidden. Read it with {@link #reveal()} only where it is handed to the platform's SDK.
 *
 * <p>Immutable and thread-safe. Equality compares values in constant time.
 */
public final class Secret {
    private static final String MASK = "****";
    private final char[] value;

    private Secret(char[] value) {
        this.value = value;
    }

    /** @throws NullPointerException when value is null */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "value").toCharArray());
    }

    /** The secret value. Never log it. */
    public String reveal() {
        return new String(value);
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Secret other)) {
            return false;
        }
        char[] a = value;
        char[] b = other.value;
        int diff = a.length ^ b.length;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            diff |= a[i] ^ b[i];
        }
        return diff == 0;
    }

    @Override
    public int hashCode() {
        // Deliberately constant: a hash would leak information about the value.
        return 31;
    }
}
