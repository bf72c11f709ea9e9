package dev.cognigyops.support;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says what a file operation's failure means in words a person can act on. The JDK's own messages
 * are often just the path ({@code cannot read x.json: x.json}); these name the cause and the path.
 */
public final class IoProblems {

    private IoProblems() {
    }

    public static String describe(IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return "permission denied (" + denied.getFile() + ")";
        }
        if (e instanceof NoSuchFileException missing) {
            return "no such file or folder (" + missing.getFile() + ")";
        }
        if (e instanceof FileAlreadyExistsException exists) {
            return "a file is in the way where a folder is needed (" + exists.getFile() + ")";
        }
        if (e instanceof NotDirectoryException notDir) {
            return "not a folder (" + notDir.getFile() + ")";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(java.util.Locale.ROOT) + (fs.getFile() == null ? "" : " (" + fs.getFile() + ")");
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
