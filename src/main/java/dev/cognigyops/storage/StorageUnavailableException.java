package dev.cognigyops.storage;

import java.io.IOException;

/**
 * S3 could not be reached, or answered that it was busy (5xx, 429): a transient failure, retried
 * like any other broken connection, and reported as STORAGE_ERROR if it lasts.
 */
public class StorageUnavailableException extends IOException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
