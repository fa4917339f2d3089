package io.visionhub.enterprise.mapping;

/** A mapping template that cannot turn an event into a payload; the message names the file and the place. */
public class MappingException extends RuntimeException {

    private final String file;

    public MappingException(String file, String message, Throwable cause) {
        super("mapping " + file + ": " + message, cause);
        this.file = file;
    }

    /** The template file, relative to the working directory. */
    public String file() {
        return file;
    }
}
