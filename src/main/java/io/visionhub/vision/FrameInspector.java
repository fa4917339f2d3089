package io.visionhub.vision;

import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.ImageRef;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelException;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.model.ModelVerdict;
import io.visionhub.vision.model.RgbNormaliser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * One inspection step: decode (where the frame came encoded), run the model, store the frame and the
 * annotated copy by content hash, and build the {@link InspectionEvent} with its latency breakdown.
 *
 * @param station        station id
 * @param line           line id
 * @param model          the current model (a hot-swappable handle)
 * @param frameStore     where frames are stored, or null to store nothing
 * @param annotate       store an annotated copy when defects have boxes
 * @param imageFormat    {@code png} or {@code jpg}, for frames that arrive as pixels
 * @param imageUriPrefix link prefix of stored images (the hash is appended), or null
 * @param maxFramePixels largest width x height decoded; larger frames are refused from their header
 */
public record FrameInspector(
        String station,
        String line,
        ModelHandle model,
        FrameStore frameStore,
        boolean annotate,
        String imageFormat,
        String imageUriPrefix,
        long maxFramePixels) {

    /** Without a pixel limit of its own: {@link ImageDecoder#DEFAULT_MAX_PIXELS}. */
    public FrameInspector(
            String station,
            String line,
            ModelHandle model,
            FrameStore frameStore,
            boolean annotate,
            String imageFormat,
            String imageUriPrefix) {
        this(station, line, model, frameStore, annotate, imageFormat, imageUriPrefix, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    public InspectionEvent inspect(Frame frame) {
        return inspect(frame, null);
    }

    /**
     * A frame decoded ahead of its inspection (decode-ahead: another thread decodes the next frame while this one's
     * model runs), for the model {@code decodedFor} that the inspector held then: {@code decoded} (null for a frame
     * that came as pixels) and that model's {@code input} filled from it (null where the model does not prepare
     * inputs ahead or the frame is refused), or the {@code error} that decoding gave (empty, corrupt, too large),
     * rethrown when the frame is inspected so that it is refused there as it would have been without decode-ahead.
     */
    public record Prepared(
            Frame frame,
            InspectionModel decodedFor,
            ImageDecoder.Decoded decoded,
            double decodeMs,
            RuntimeException error,
            InspectionModel.PreparedInput input) {

        /** Decoded (or refused) without an input prepared. */
        public Prepared(
                Frame frame,
                InspectionModel decodedFor,
                ImageDecoder.Decoded decoded,
                double decodeMs,
                RuntimeException error) {
            this(frame, decodedFor, decoded, decodeMs, error, null);
        }
    }

    /**
     * Decodes an encoded frame for the model this inspector holds now, as {@link #inspect} would, and fills the
     * model's input from it (pre-processing: letterbox, normalise) without running the model; never throws (a
     * refusal is kept in {@link Prepared#error}; a frame the model cannot take gets no input and fails when it is
     * inspected, as without decode-ahead). Frames that came as pixels are only pre-processed.
     */
    public Prepared prepare(Frame frame) {
        InspectionModel m = model.model();
        BufferedImage image = frame.image();
        long t0 = System.nanoTime();
        ImageDecoder.Decoded d;
        double decodeMs = 0;
        if (image != null) {
            d = new ImageDecoder.Decoded(image, image.getWidth(), image.getHeight());
        } else {
            try {
                d = ImageDecoder.decodeFor(frame.encoded(), frame.camera(), maxFramePixels, m);
                decodeMs = (System.nanoTime() - t0) / 1e6;
            } catch (RuntimeException e) {
                return new Prepared(frame, m, null, (System.nanoTime() - t0) / 1e6, e);
            }
        }
        InspectionModel.PreparedInput input = null;
        try {
            input = d.prepareWith(m);
        } catch (RuntimeException e) {
            // the model refuses this frame (its size): inspect meets the same refusal on the inspecting thread
        }
        return new Prepared(frame, m, image != null ? null : d, decodeMs, null, input);
    }

    /**
     * {@link #inspect(Frame)} with the frame's decode done ahead ({@link #prepare}); {@code ahead} is used only when
     * it is this frame's and was decoded for the model that runs it (after a model swap the frame is decoded again).
     * The event's decode time is the decode's own time on the thread that did it, and its total is the inspection's
     * time plus that decode time (the work spent on the frame, not counting the wait between the two).
     */
    public InspectionEvent inspect(Frame frame, Prepared ahead) {
        long t0 = System.nanoTime();
        Object[] used = new Object[3];
        double[] decodeMs = {0};
        double[] decodeAheadMs = {0};
        try {
            model.run(m -> {
                BufferedImage image = frame.image();
                ImageDecoder.Decoded decoded;
                if (ahead != null && ahead.frame() == frame && ahead.decodedFor() == m) {
                    if (ahead.error() != null) {
                        throw ahead.error();
                    }
                    decodeMs[0] = ahead.decodeMs();
                    decodeAheadMs[0] = ahead.decodeMs()
                            + (ahead.input() == null ? 0 : ahead.input().preprocessMs());
                    decoded = ahead.decoded() != null
                            ? ahead.decoded()
                            : new ImageDecoder.Decoded(image, image.getWidth(), image.getHeight());
                } else if (image != null) {
                    decoded = new ImageDecoder.Decoded(image, image.getWidth(), image.getHeight());
                } else {
                    // a JPEG the model resizes down anyway is decoded reduced, from its DCT (ImageDecoder.decodeFor)
                    decoded = ImageDecoder.decodeFor(frame.encoded(), frame.camera(), maxFramePixels, m);
                    decodeMs[0] = (System.nanoTime() - t0) / 1e6;
                }
                used[0] = m.ref();
                boolean prepared =
                        ahead != null && ahead.frame() == frame && ahead.decodedFor() == m && ahead.input() != null;
                used[1] = prepared ? m.runPrepared(ahead.input()) : decoded.inspectWith(m);
                used[2] = decoded;
                return null;
            });
        } catch (FrameRefusedException e) {
            // decoding refused the frame (empty, corrupt, too large): the caller records the part as refused
            throw e;
        } catch (ModelException e) {
            throw new ModelException("camera " + frame.camera() + ", " + e.getMessage(), e);
        }
        ModelRef modelRef = (ModelRef) used[0];
        ModelVerdict v = (ModelVerdict) used[1];
        ImageDecoder.Decoded decoded = (ImageDecoder.Decoded) used[2];
        Instant inferenceTime = Instant.now();
        long tStore = System.nanoTime();
        ImageRef ref = null;
        if (frameStore != null) {
            // a reduced decode implies encoded bytes: they are what is stored, the full image is never built for it
            byte[] encoded = frame.encoded() != null ? frame.encoded() : encode(decoded.image(), imageFormat);
            String sha = frameStore.put(encoded);
            String annotatedSha = null;
            if (annotate && v.defects().stream().anyMatch(d -> d.box() != null)) {
                // boxes are in frame pixels: draw them on the full-size image, decoded now if it was not
                BufferedImage full = decoded.image() == null || decoded.reduced()
                        ? ImageDecoder.decode(frame.encoded(), frame.camera(), maxFramePixels)
                        : decoded.image();
                annotatedSha = frameStore.put(encode(DefectAnnotator.annotate(full, v.defects()), imageFormat));
            }
            ref = new ImageRef(
                    sha,
                    uri(sha),
                    annotatedSha,
                    annotatedSha == null ? null : uri(annotatedSha),
                    decoded.frameWidth(),
                    decoded.frameHeight());
        }
        double storeMs = (System.nanoTime() - tStore) / 1e6;
        // decoded (and pre-processed) ahead: their own times are added (they were not spent inside this call)
        double totalMs = (System.nanoTime() - t0) / 1e6 + decodeAheadMs[0];
        Latency latency = new Latency(
                r(decodeMs[0]), r(v.preprocessMs()), r(v.inferenceMs()), r(v.postprocessMs() + storeMs), r(totalMs));
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                EventIds.newId(),
                station,
                frame.camera(),
                line,
                frame.captureTime(),
                inferenceTime,
                modelRef,
                v.result(),
                v.defects(),
                v.anomalyScore(),
                ref,
                null,
                InspectionEvent.ContextStatus.MISSING,
                frame.partId(),
                latency);
    }

    /**
     * The record of a part whose frame was refused (empty, corrupt, above the pixel limit), so that the part is not
     * lost: result UNCERTAIN (nobody judged it; the PLC gets the uncertain code and a person decides), one defect
     * whose class says why ({@code frame_empty}, {@code frame_corrupt}, {@code frame_too_large}, confidence 1, no
     * box), the current model, no image (the file itself is kept by the source, e.g. a folder's {@code .rejected/}).
     */
    public InspectionEvent refused(Frame frame, FrameRefusedException why) {
        Instant now = Instant.now();
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                EventIds.newId(),
                station,
                frame.camera(),
                line,
                frame.captureTime() == null ? now : frame.captureTime(),
                now,
                model.model().ref(),
                InspectionEvent.Verdict.UNCERTAIN,
                List.of(new Defect(why.reason().defectClass(), 1.0, null)),
                null,
                null,
                null,
                InspectionEvent.ContextStatus.MISSING,
                frame.partId(),
                new Latency(0, 0, 0, 0, 0));
    }

    private String uri(String sha) {
        return imageUriPrefix == null ? null : imageUriPrefix + sha;
    }

    /** Decodes JPEG/PNG/BMP bytes; a clear error for empty, corrupt or truncated data. */
    public static BufferedImage decode(byte[] bytes, String camera) {
        return ImageDecoder.decode(bytes, camera);
    }

    /**
     * Encodes a frame for the image store: PNG with fast deflate (a 640x480 frame in a few ms instead of tens),
     * or JPEG at quality 0.9.
     */
    public static byte[] encode(BufferedImage image, String format) {
        String f = format == null ? "png" : format.toLowerCase(Locale.ROOT);
        boolean jpeg = "jpg".equals(f) || "jpeg".equals(f);
        BufferedImage img = image;
        if (jpeg && image.getColorModel().getComponentSize(0) > 8) {
            // JPEG is 8-bit: deep grey (Mono10/12/16 cameras) scaled to 8 bits; PNG keeps the sensor's raw samples
            img = RgbNormaliser.normalise(image);
        } else if (jpeg && image.getColorModel().hasAlpha()) {
            img = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            img.createGraphics().drawImage(image, 0, 0, null);
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(jpeg ? "jpeg" : f);
        if (!writers.hasNext()) {
            throw new IllegalArgumentException("no image writer for format " + f + " (use png or jpg)");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 * 1024);
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (param.canWriteCompressed()) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                // JPEG: quality 0.9; PNG: maps to deflate level 1 (fast, files ~20% larger than the default)
                param.setCompressionQuality(0.9f);
            }
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode frame as " + f, e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static double r(double ms) {
        return Math.max(0, Math.round(ms * 1000.0) / 1000.0);
    }
}
