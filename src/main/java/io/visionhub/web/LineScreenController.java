package io.visionhub.web;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The line screen ({@code /ui/line/{line}}) and its live stream ({@code /ui/stream?line=…}: SSE events
 * {@code inspection}, {@code rate}, {@code alarm}, {@code disposition}, {@code state}, each HTML fragments for htmx).
 */
// off with the web app: the API chain would otherwise serve /ui/** without a login
@ConditionalOnProperty(prefix = "visionhub.web", name = "enabled", matchIfMissing = true)
@Controller
class LineScreenController {

    private final LineDirectory directory;
    private final LineBoard board;
    private final LiveStream stream;

    LineScreenController(LineDirectory directory, LineBoard board, LiveStream stream) {
        this.directory = directory;
        this.board = board;
        this.stream = stream;
    }

    @GetMapping("/ui/line/{line}")
    ModelAndView line(@PathVariable String line) {
        String problem = problem(line);
        if (problem != null) {
            ModelAndView mv = new ModelAndView("ui-error");
            mv.addObject("title", "No such line");
            mv.addObject("message", problem);
            mv.setStatus(LineNames.valid(line) ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST);
            return mv;
        }
        ModelAndView mv = new ModelAndView("line");
        mv.addObject("screen", board.screen(line));
        return mv;
    }

    @GetMapping(path = "/ui/stream")
    ResponseEntity<?> stream(@RequestParam(required = false) String line) {
        if (line == null) {
            return text(HttpStatus.BAD_REQUEST, "name the line: /ui/stream?line=<line>");
        }
        String problem = problem(line);
        if (problem != null) {
            return text(LineNames.valid(line) ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST, problem);
        }
        SseEmitter emitter = stream.open(line, board.snapshot(line));
        if (emitter == null) {
            return text(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "too many browsers on the live stream (visionhub.web.max-clients); try again later");
        }
        return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(emitter);
    }

    /** Why the line has no screen, or null when it has one. */
    private String problem(String line) {
        if (!LineNames.valid(line)) {
            return "'" + shorten(line) + "' is not a line name (" + LineNames.RULE + ")";
        }
        if (!directory.knows(line)) {
            return "no line '" + line + "' on this hub; lines: "
                    + String.join(", ", directory.lines().keySet());
        }
        return null;
    }

    private static String shorten(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 64 ? p.substring(0, 64) + "…" : p;
    }

    private static ResponseEntity<String> text(HttpStatus status, String message) {
        return ResponseEntity.status(status)
                .contentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8))
                .body(message);
    }
}
