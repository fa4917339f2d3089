package io.visionhub.web.review;

import io.visionhub.ledger.disposition.DispositionConflictException;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.disposition.SignatureRefusedException;
import io.visionhub.ledger.disposition.SignedDisposition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Signs what the e-signature dialog posts through {@link DispositionService#signOrReplay}: every field is checked
 * first (so a bad field signs nothing), then one disposition per selected part, or one for the lot. Each target's
 * request id is derived from the dialog's, so posting the same dialog again (a double click, a retry) replays the
 * signatures instead of making new ones. A refused signature (wrong password, locked) stops at once: the password is
 * the same for every part, so nothing of the selection is signed; the service records the refusal.
 */
public class ReviewSigning {

    /** Most parts one dialog signs. */
    public static final int MAX_PARTS = 200;

    /** What one post did: the dispositions it made or replayed, and the parts it could not sign (and why). */
    public record Outcome(List<SignedDisposition> signed, int replayed, List<String> problems) {}

    private final DispositionService service;
    private final ReasonCodeProperties reasons;

    public ReviewSigning(DispositionService service, ReasonCodeProperties reasons) {
        this.service = service;
        this.reasons = reasons;
    }

    /**
     * @throws SignFormException a missing or wrong field, or a refused signature (field {@code password}): nothing
     *                           signed
     */
    public Outcome sign(String user, SignForm form) {
        Checked c = check(form);
        List<SignedDisposition> signed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int replayed = 0;
        for (String target : c.targets()) {
            DispositionRequest req = DispositionRequest.of(
                            c.type(), target, c.disposition(), c.reason(), c.meaning(), form.password())
                    .withRequestId(requestId(form.requestId().trim(), c.type(), target));
            if (c.supersedes() != null) {
                req = req.superseding(c.supersedes(), c.supersedeReason());
            }
            try {
                DispositionService.Signed s = service.signOrReplay(user, req);
                signed.add(s.disposition());
                if (!s.created()) {
                    replayed++;
                }
            } catch (SignatureRefusedException e) {
                if (signed.isEmpty()) {
                    throw new SignFormException("password", e.getMessage());
                }
                problems.add(target + ": " + e.getMessage()); // not expected: the password was right a moment ago
                break;
            } catch (DispositionConflictException | IllegalArgumentException e) {
                // this part was decided by someone else meanwhile, or is unknown: the others are still signed
                problems.add(("LOT".equals(c.type()) ? "lot " : "part ") + target + ": " + e.getMessage());
            }
        }
        return new Outcome(List.copyOf(signed), replayed, List.copyOf(problems));
    }

    private record Checked(
            String type,
            List<String> targets,
            String disposition,
            String meaning,
            String reason,
            String supersedes,
            String supersedeReason) {}

    private Checked check(SignForm f) {
        if (f.requestId() == null || f.requestId().isBlank() || f.requestId().length() > 60) {
            throw new SignFormException("requestId", "requestId is missing or too long: open the dialog again");
        }
        String type = f.targetType() == null ? "" : f.targetType().trim().toUpperCase(Locale.ROOT);
        List<String> targets;
        if ("INSPECTION".equals(type)) {
            targets = f.idsOrEmpty();
            if (targets.isEmpty()) {
                throw new SignFormException("ids", "ids: select at least one part to disposition");
            }
            if (targets.size() > MAX_PARTS) {
                throw new SignFormException(
                        "ids", "ids: " + targets.size() + " parts selected, at most " + MAX_PARTS + " per signature");
            }
        } else if ("LOT".equals(type)) {
            if (f.lot() == null || f.lot().isBlank()) {
                throw new SignFormException("lot", "lot is required to disposition a whole lot");
            }
            targets = List.of(f.lot().trim());
        } else {
            throw new SignFormException("targetType", "targetType '" + f.targetType() + "' is not INSPECTION or LOT");
        }
        String disposition =
                f.disposition() == null ? "" : f.disposition().trim().toUpperCase(Locale.ROOT);
        if (disposition.isEmpty()) {
            throw new SignFormException("disposition", "disposition is required: ACCEPT, REJECT, REWORK or USE_AS_IS");
        }
        try {
            DispositionRequest.Disposition.valueOf(disposition);
        } catch (IllegalArgumentException e) {
            throw new SignFormException(
                    "disposition", "disposition '" + f.disposition() + "' is not ACCEPT, REJECT, REWORK or USE_AS_IS");
        }
        if (f.meaning() == null || f.meaning().isBlank()) {
            throw new SignFormException("meaning", "meaning is required: one of " + service.meaningCodes());
        }
        String meaning = f.meaning().trim().toUpperCase(Locale.ROOT);
        if (!service.meaningCodes().contains(meaning)) {
            throw new SignFormException(
                    "meaning",
                    "meaning '" + f.meaning() + "' is not one of " + service.meaningCodes()
                            + " (visionhub.ledger.signatures.meanings)");
        }
        if (f.reasonCode() == null || f.reasonCode().isBlank()) {
            throw new SignFormException("reasonCode", "reasonCode is required: pick the reason for this disposition");
        }
        ReasonCodeProperties.ReasonCode reason = reasons.find(f.reasonCode());
        if (reason == null) {
            throw new SignFormException(
                    "reasonCode",
                    "reasonCode '" + f.reasonCode() + "' is not one of "
                            + reasons.reasonCodes().stream()
                                    .map(ReasonCodeProperties.ReasonCode::code)
                                    .toList() + " (" + ReasonCodeProperties.KEY + ")");
        }
        String comment = f.comment() == null ? "" : f.comment().trim();
        if (comment.length() > 1000) {
            throw new SignFormException("comment", "comment longer than 1000 characters");
        }
        if (f.password() == null || f.password().isEmpty()) {
            throw new SignFormException("password", "password is required: signing asks for your password again");
        }
        String supersedes = null;
        String supersedeReason = null;
        if (f.superseding()) {
            if (targets.size() != 1) {
                throw new SignFormException(
                        "supersedes", "supersedes: a disposition is replaced for one part or one lot at a time");
            }
            supersedes = f.supersedes().trim();
            supersedeReason =
                    f.supersedeReason() == null ? "" : f.supersedeReason().trim();
            if (supersedeReason.isEmpty()) {
                throw new SignFormException(
                        "supersedeReason", "supersedeReason is required: say why the current disposition is replaced");
            }
            if (supersedeReason.length() > 2000) {
                throw new SignFormException("supersedeReason", "supersedeReason longer than 2000 characters");
            }
        }
        String text = reason.code() + ": " + reason.text() + (comment.isEmpty() ? "" : "; " + comment);
        return new Checked(type, targets, disposition, meaning, text, supersedes, supersedeReason);
    }

    /** The dialog's id and the target, at most 100 characters (the service's limit), the same on every post. */
    static String requestId(String dialog, String type, String target) {
        String t = type + ":" + target;
        if (dialog.length() + 1 + t.length() > 100) {
            t = type + ":" + sha256(target).substring(0, 32);
        }
        return dialog + "/" + t;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
