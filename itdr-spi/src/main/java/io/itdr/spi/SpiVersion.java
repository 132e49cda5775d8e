package io.itdr.spi;

/**
 * The version of this plugin contract. A host accepts a connector whose
 * {@link ConnectorFactory#spiVersion()} has the same major version and a minor version no
 * newer than its own; within a major version the contract only grows through default methods.
 */
public final class SpiVersion {
    public static final int MAJOR = 1;
    public static final int MINOR = 3;
    /** "1.3": what a factory built against this jar reports. */
    public static final String CURRENT = MAJOR + "." + MINOR;

    private SpiVersion() {
    }

    /** Whether a host on {@link #CURRENT} can load a connector built against {@code version}. */
    public static boolean isCompatible(String version) {
        if (version == null) {
            return false;
        }
        String[] parts = version.split("\\.", -1);
        if (parts.length != 2) {
            return false;
        }
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            return major == MAJOR && minor >= 0 && minor <= MINOR;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
