package dev.cognigyops.store;

/** The run store could not be read or written (it is down, or refused the statement). */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message + ": " + describe(cause), cause);
    }

    public StoreException(String message) {
        super(message);
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown reason";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
