package io.visionhub.api;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Answers of REST operations that download a zip package (audit package, CAPA evidence): written first to a
 * temporary file (images can make it large), which is deleted once the answer has been sent.
 */
public final class ApiAttachment {

    /** Writes the package to the stream it is given. */
    @FunctionalInterface
    public interface Content {
        void write(OutputStream out) throws Exception;
    }

    private ApiAttachment() {}

    /** Sets the exchange's answer to the zip that {@code content} writes, offered for download as {@code fileName}. */
    public static void zip(Exchange exchange, String tempPrefix, String fileName, Content content) throws Exception {
        Path tmp = Files.createTempFile(tempPrefix, ".zip");
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    tmp.toFile().deleteOnExit();
                }
            }
        });
        try (var out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
            content.write(out);
        }
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/zip");
        exchange.getMessage().setHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        exchange.getMessage().setBody(tmp.toFile());
    }
}
