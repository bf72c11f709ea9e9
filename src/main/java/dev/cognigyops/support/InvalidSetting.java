package dev.cognigyops.support;

/**
 * A setting whose value the program cannot run with: the start fails with this one line (no stack
 * trace), e.g. {@code cognigy.api.profile is 'cognigy-v3'; it must be one of: seeds, cognigy-v2}.
 */
public class InvalidSetting extends IllegalStateException {

    public InvalidSetting(String message) {
        super(message);
    }
}
