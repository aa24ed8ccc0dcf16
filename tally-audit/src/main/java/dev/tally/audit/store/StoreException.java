package dev.tally.audit.store;

/** A store could not be read or written. The message never contains a secret. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
