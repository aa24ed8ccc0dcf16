package dev.tally.cli.options;

import java.util.Map;

/** Opens {@link ColorOption}'s decision to tests in other packages. */
public final class ColorOptionAccess {

    private ColorOptionAccess() {
    }

    public static boolean enabled(String mode, Map<String, String> environment, boolean terminal) {
        return ColorOption.enabled(mode, environment, terminal);
    }
}
