package io.visionhub.web.review;

import io.visionhub.api.ApiProperties;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.web.LineDirectory;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The review queue (QUALITY, ADMIN: the web app's security chain says who): parts awaiting disposition, and the
 * e-signature dialog that dispositions one part, a selection or a whole lot.
 */
// only with the web app: its security chain guards /ui/** (without it the pages would be open)
@ConditionalOnProperty(prefix = "visionhub.web", name = "enabled", matchIfMissing = true)
@Controller
@RequestMapping("/ui/review")
public class ReviewController {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewController.class);
    /** Cards per page: the newest first; "Show more" adds as many again (a page is rendered and loaded in well
     * under a second on a small machine, whatever the backlog: bench/README-web.md). */
    static final int PAGE_SIZE = 20;
    /** The most cards one page shows, however often "Show more" is pressed. */
    static final int MAX_SHOWN = 500;

    private final ReviewQueue queue;
    private final ReviewSigning signing;
    private final ReasonCodeProperties reasons;
    private final Map<String, String> meanings;
    private final ApiProperties accounts;
    private final ObjectProvider<LineDirectory> lines;
    private final DispositionLookup current;

    public ReviewController(
            ReviewQueue queue,
            ReviewSigning signing,
            ReasonCodeProperties reasons,
            LedgerProperties ledger,
            ApiProperties accounts,
            ObjectProvider<LineDirectory> lines,
            DispositionLookup current) {
        this.lines = lines;
        this.current = current;
        this.queue = queue;
        this.signing = signing;
        this.reasons = reasons;
        this.accounts = accounts;
        Map<String, String> m = new LinkedHashMap<>();
        ledger.signatures().meanings().forEach(x -> m.put(x.code().trim().toUpperCase(Locale.ROOT), x.text()));
        this.meanings = Collections.unmodifiableMap(m); // in the configured order
    }

    @ModelAttribute("dispositions")
    List<String> dispositions() {
        return Arrays.stream(DispositionRequest.Disposition.values())
                .map(Enum::name)
                .toList();
    }

    /** The queue page. */
    @GetMapping
    String page(
            @RequestParam(required = false) String line,
            @RequestParam(required = false) String station,
            @RequestParam(required = false) String order,
            @RequestParam(required = false) Integer shown,
            Model model) {
        fill(model, line, station, order, List.of(), shown(shown, false));
        // the live streams to listen to: the filtered line, else every line of the hub
        LineDirectory directory = lines.getIfAvailable();
        List<String> live = line != null && !line.isBlank()
                ? List.of(line.trim())
                : directory == null ? List.of() : List.copyOf(directory.lines().keySet());
        model.addAttribute("liveLines", live);
        return "review/queue";
    }

    /** The queue's items alone, for the page's refresh (a new result arrived, or a disposition was signed). */
    @GetMapping("/items")
    String items(
            @RequestParam(required = false) String line,
            @RequestParam(required = false) String station,
            @RequestParam(required = false) String order,
            @RequestParam(name = "ids", required = false) List<String> selected,
            @RequestParam(required = false) Integer shown,
            @RequestParam(required = false) boolean more,
            Model model) {
        fill(model, line, station, order, selected == null ? List.of() : selected, shown(shown, more));
        return "review/queue :: items";
    }

    /**
     * How many cards to render: as many as the page showed (a refresh keeps what "Show more" added), a page more
     * when asked, at least a page and at most {@link #MAX_SHOWN}.
     */
    static int shown(Integer shown, boolean more) {
        long n = shown == null || shown < PAGE_SIZE ? PAGE_SIZE : shown; // long: no overflow near Integer.MAX_VALUE
        return (int) Math.min(more ? n + PAGE_SIZE : n, MAX_SHOWN);
    }

    private void fill(Model model, String line, String station, String order, List<String> selected, int limit) {
        ReviewQueue.Filter filter = ReviewQueue.Filter.of(line, station, order);
        model.addAttribute("filter", filter);
        model.addAttribute("page", queue.page(filter, limit));
        model.addAttribute("pageSize", PAGE_SIZE);
        model.addAttribute("maxShown", MAX_SHOWN);
        model.addAttribute("selected", Set.copyOf(selected));
    }

    /** The e-signature dialog for the given parts, or for a whole lot; a new request id per opening. */
    @GetMapping("/dialog")
    String dialog(
            @RequestParam(name = "ids", required = false) List<String> ids,
            @RequestParam(required = false) String lot,
            @RequestParam(required = false) String supersedes,
            Authentication auth,
            Model model) {
        // supersedes: the current disposition this signature replaces (from the order and lot pages)
        String replaced = supersedes == null || supersedes.isBlank() ? null : supersedes.trim();
        boolean wholeLot = lot != null && !lot.isBlank();
        SignForm form = new SignForm(
                wholeLot ? "LOT" : "INSPECTION",
                wholeLot || ids == null ? List.of() : ids,
                wholeLot ? lot.trim() : null,
                null,
                null,
                null,
                null,
                null,
                newRequestId(),
                replaced,
                null);
        dialogModel(model, form, auth);
        return "review/sign :: sign-dialog-fragment";
    }

    /** Signs what the dialog posts; a bad field or a refused password answers 422 with the dialog and the error. */
    @PostMapping("/sign")
    String sign(SignForm form, Authentication auth, Model model, HttpServletResponse response) {
        try {
            ReviewSigning.Outcome outcome = signing.sign(auth.getName(), form);
            model.addAttribute("outcome", outcome);
            model.addAttribute("form", form);
            // the queue refreshes itself on this event (and other open pages hear it through the stream)
            response.setHeader("HX-Trigger", "review-signed");
            return "review/sign :: sign-done-fragment";
        } catch (SignFormException e) {
            LOG.info("E-signature dialog of {} refused ({}): {}", auth.getName(), e.field(), e.getMessage());
            response.setStatus(HttpStatus.UNPROCESSABLE_ENTITY.value());
            model.addAttribute("error", e.getMessage());
            model.addAttribute("errorField", e.field());
            dialogModel(model, form, auth);
            return "review/sign :: sign-dialog-fragment";
        }
    }

    private void dialogModel(Model model, SignForm form, Authentication auth) {
        model.addAttribute("form", form);
        // what a replacing signature replaces, shown in the dialog (the service checks it is still the current one)
        model.addAttribute(
                "replaced",
                form.superseding() ? current.byId(form.supersedes().trim()).orElse(null) : null);
        model.addAttribute("meanings", meanings);
        model.addAttribute("reasonCodes", reasons.reasonCodes());
        model.addAttribute("printedName", printedName(auth.getName()));
        model.addAttribute("user", auth.getName());
    }

    /** The signer's printed name from the account (null when the account has none: signing is then refused). */
    String printedName(String user) {
        return accounts.users().stream()
                .filter(u -> user.equals(u.username()))
                .map(ApiProperties.User::printedName)
                .filter(n -> n != null && !n.isBlank())
                .findFirst()
                .orElse(null);
    }

    private static String newRequestId() {
        return UUID.randomUUID().toString();
    }
}
