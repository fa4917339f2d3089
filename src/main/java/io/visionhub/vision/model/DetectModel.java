package io.visionhub.vision.model;

import ai.onnxruntime.OrtSession;
import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.event.ModelRef;
import java.util.ArrayList;
import java.util.List;

/**
 * A model of kind {@code detect}: YOLOv5 or YOLOv8/YOLO11 output, letterboxed input, per-class thresholds,
 * NMS, boxes mapped back to original-frame pixels, optional regions of interest. NG when a detection of a
 * class not listed in okClasses remains.
 */
public final class DetectModel extends OnnxModel {

    private final String outputName;
    private final YoloDecoder decoder;
    private final int candidates;
    private final List<String> classes;
    private final List<String> okClasses;
    private final List<ModelCard.Roi> roi;
    private final float[] thresholds;
    private final float band;

    DetectModel(ModelCard card, ModelRef ref, OrtSession session, SessionTuning tuning) {
        super(card, ref, session, true);
        this.classes = card.classes();
        this.okClasses = card.okClasses() == null ? List.of() : card.okClasses();
        this.roi = card.roi() == null ? List.of() : card.roi();
        String layoutName = card.output() == null || card.output().layout() == null
                ? "yolov8"
                : card.output().layout();
        YoloDecoder.Layout layout =
                "yolov5".equalsIgnoreCase(layoutName) ? YoloDecoder.Layout.YOLOV5 : YoloDecoder.Layout.YOLOV8;
        this.band = card.uncertainBand() == null ? 0f : card.uncertainBand().floatValue();
        this.thresholds = new float[classes.size()];
        float[] candidateThresholds = new float[classes.size()];
        for (int i = 0; i < thresholds.length; i++) {
            thresholds[i] = (float) card.thresholdFor(classes.get(i), 0.25);
            candidateThresholds[i] = Math.max(0.001f, thresholds[i] - band);
        }
        float iou = card.nms() == null ? 0.45f : card.nms().floatValue();
        this.decoder = new YoloDecoder(layout, classes.size(), candidateThresholds, iou, 300);
        MainOutput main = mainOutput();
        this.outputName = main.name();
        this.candidates = decoder.candidates(main.shape(), ref.name());
        warmUp(tuning.warmupRuns());
    }

    @Override
    protected ModelVerdict decode(
            OrtSession.Result result, ImagePreprocessor.Geometry geo, double preMs, double runMs, long t0) {
        float[] out = floats(result, outputName, decoder.stride() * candidates);
        List<Detection> dets;
        try {
            dets = decoder.decode(out, candidates);
        } catch (ModelException e) {
            throw new ModelException("model " + ref().name() + ": " + e.getMessage(), e);
        }
        List<Defect> defects = new ArrayList<>();
        List<Defect> doubtful = new ArrayList<>();
        boolean ng = false;
        for (Detection d : dets) {
            Defect.Box box = geo.toOriginal(d.x1(), d.y1(), d.x2(), d.y2());
            if (!inRoi(box)) {
                continue;
            }
            String name = classes.get(d.classIndex());
            Defect defect = new Defect(name, round3(Math.min(1, d.confidence())), box);
            if (d.confidence() < thresholds[d.classIndex()]) {
                // within the uncertain band below the class threshold
                if (!okClasses.contains(name)) {
                    doubtful.add(defect);
                }
                continue;
            }
            defects.add(defect);
            if (!okClasses.contains(name)) {
                ng = true;
            }
        }
        if (!ng && !doubtful.isEmpty()) {
            defects.addAll(doubtful);
            return new ModelVerdict(Verdict.UNCERTAIN, defects, null, preMs, runMs, ms(t0));
        }
        return new ModelVerdict(ng ? Verdict.NG : Verdict.OK, defects, null, preMs, runMs, ms(t0));
    }

    private boolean inRoi(Defect.Box b) {
        if (roi.isEmpty()) {
            return true;
        }
        double cx = b.x() + b.width() / 2.0;
        double cy = b.y() + b.height() / 2.0;
        for (ModelCard.Roi r : roi) {
            if (cx >= r.x() && cx < r.x() + r.width() && cy >= r.y() && cy < r.y() + r.height()) {
                return true;
            }
        }
        return false;
    }
}
