package io.visionhub.web;

import io.visionhub.images.ImageStore;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The stored frame and annotated frame (boxes, anomaly heat map) of an inspection, by inspection id, for the
 * screens: {@code /ui/frames/{id}} and {@code /ui/frames/{id}/annotated}. The REST API serves the same bytes by
 * content hash ({@code /api/images/{sha256}}); the screens know inspection ids. A frame is immutable, so browsers
 * may keep it.
 */
// off with the web app: the API chain would otherwise serve /ui/** without a login
@ConditionalOnProperty(prefix = "visionhub.web", name = "enabled", matchIfMissing = true)
@RestController
class FrameController {

    private final NamedParameterJdbcTemplate jdbc;
    private final ImageStore images;

    FrameController(NamedParameterJdbcTemplate jdbc, ImageStore images) {
        this.jdbc = jdbc;
        this.images = images;
    }

    @GetMapping("/ui/frames/{inspectionId}")
    ResponseEntity<byte[]> frame(@PathVariable String inspectionId) {
        return serve(inspectionId, false);
    }

    @GetMapping("/ui/frames/{inspectionId}/annotated")
    ResponseEntity<byte[]> annotated(@PathVariable String inspectionId) {
        return serve(inspectionId, true);
    }

    private ResponseEntity<byte[]> serve(String id, boolean annotated) {
        if (!LineNames.valid(id)) {
            return problem(HttpStatus.BAD_REQUEST, "an inspection id is " + LineNames.RULE);
        }
        List<String[]> rows = jdbc.query(
                "SELECT image_sha256, annotated_sha256 FROM inspection WHERE id = :id",
                new MapSqlParameterSource("id", id),
                (rs, n) -> new String[] {rs.getString(1), rs.getString(2)});
        if (rows.isEmpty()) {
            return problem(HttpStatus.NOT_FOUND, "no inspection " + id + " in the ledger");
        }
        String sha = rows.get(0)[annotated ? 1 : 0];
        if (sha == null) {
            return problem(
                    HttpStatus.NOT_FOUND,
                    "inspection " + id + " has no " + (annotated ? "annotated frame" : "stored frame")
                            + (annotated ? " (its model draws none, or the frame was OK)" : ""));
        }
        Optional<byte[]> bytes = images.get(sha);
        if (bytes.isEmpty()) {
            return problem(
                    HttpStatus.NOT_FOUND,
                    "the " + (annotated ? "annotated frame" : "frame") + " of inspection " + id + " (sha256 " + sha
                            + ") is no longer stored (image retention)");
        }
        return ResponseEntity.ok()
                .contentType(contentType(bytes.get()))
                .cacheControl(CacheControl.maxAge(java.time.Duration.ofDays(1)).cachePrivate())
                .body(bytes.get());
    }

    private static ResponseEntity<byte[]> problem(HttpStatus status, String message) {
        return ResponseEntity.status(status)
                .contentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8))
                .body(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static MediaType contentType(byte[] b) {
        if (b.length > 3 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return MediaType.IMAGE_PNG;
        }
        if (b.length > 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
            return MediaType.IMAGE_JPEG;
        }
        return MediaType.APPLICATION_OCTET_STREAM;
    }
}
