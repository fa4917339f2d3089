package io.visionhub.vision.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.event.ModelRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model of kind {@code detect}: YOLOv5, YOLOv8/YOLO11, end-to-end YOLOv10 or YOLOv8-seg output (see
 * {@link YoloDecoder}), letterboxed input, per-class thresholds, NMS, boxes mapped back to original-frame pixels,
 * masks for segmentation heads, optional regions of interest. NG when a detection of a class not listed in
 * okClasses remains.
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
    private final String protoName;
    private final int protoSize;
    private final SegmentMasks masks;

    DetectModel(ModelCard card, ModelRef ref, OrtSession session, SessionTuning tuning) {
        super(card, ref, session, true);
        this.classes = card.classes();
        this.okClasses = card.okClasses() == null ? List.of() : card.okClasses();
        this.roi = card.roi() == null ? List.of() : card.roi();
        YoloDecoder.Layout layout = YoloDecoder.Layout.fromCard(
                card.output() == null ? null : card.output().layout());
        if (layout == null) { // ModelCard.check refuses it first; a card built in code may not have been checked
            throw new ModelException("model " + ref.name() + ": output.layout "
                    + card.output().layout() + " is not one of " + YoloDecoder.Layout.allNames());
        }
        this.band = card.uncertainBand() == null ? 0f : card.uncertainBand().floatValue();
        this.thresholds = new float[classes.size()];
        float[] candidateThresholds = new float[classes.size()];
        for (int i = 0; i < thresholds.length; i++) {
            thresholds[i] = (float) card.thresholdFor(classes.get(i), 0.25);
            candidateThresholds[i] = Math.max(0.001f, thresholds[i] - band);
        }
        float iou = card.nms() == null ? 0.45f : card.nms().floatValue();
        MainOutput main = mainOutput();
        this.outputName = main.name();
        if (layout == YoloDecoder.Layout.YOLOV8_SEG) {
            MainOutput proto = protoOutput(main.name());
            long[] ps = proto.shape();
            if (ps.length != 4 || ps[0] != 1 || ps[1] <= 0 || ps[2] <= 0 || ps[3] <= 0) {
                throw new ModelException("model " + ref.name() + ": mask prototype output '" + proto.name()
                        + "' is " + Arrays.toString(ps) + ", layout " + layout.cardName()
                        + " needs a fixed [1, M, H, W] (e.g. [1, 32, 160, 160])");
            }
            this.protoName = proto.name();
            this.protoSize = (int) (ps[1] * ps[2] * ps[3]);
            this.masks = new SegmentMasks(
                    (int) ps[1],
                    (int) ps[2],
                    (int) ps[3],
                    card.input().width(),
                    card.input().height());
            this.decoder = new YoloDecoder(layout, classes.size(), candidateThresholds, iou, 300, (int) ps[1]);
        } else {
            this.protoName = null;
            this.protoSize = 0;
            this.masks = null;
            this.decoder = new YoloDecoder(layout, classes.size(), candidateThresholds, iou, 300);
        }
        this.candidates = decoder.candidates(main.shape(), ref.name());
        if (masks == null) {
            // one output read per frame: ONNX Runtime writes it into a reused buffer (no 2.7 MB allocation + copy)
            pinOutput(outputName, new long[] {1, main.shape()[1], main.shape()[2]});
        }
        warmUp(tuning.warmupRuns());
    }

    @Override
    protected ModelVerdict decode(
            OrtSession.Result result, ImagePreprocessor.Geometry geo, double preMs, double runMs, long t0) {
        float[] out = floats(result, outputName, decoder.stride() * candidates);
        float[] proto = masks == null ? null : floats(result, protoName, protoSize);
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
            Defect.Mask mask = masks == null ? null : masks.mask(out, candidates, classes.size(), proto, d, geo, box);
            Defect defect = new Defect(name, round3(Math.min(1, d.confidence())), box, mask);
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

    /** The prototype output of a segmentation model: named by output.proto, else the one output besides main. */
    private MainOutput protoOutput(String main) {
        try {
            Map<String, NodeInfo> outputs = session().getOutputInfo();
            String name = card().output() == null ? null : card().output().proto();
            if (name == null) {
                List<String> others =
                        outputs.keySet().stream().filter(o -> !o.equals(main)).toList();
                if (others.size() != 1) {
                    throw new ModelException("model " + ref().name() + ": layout yolov8-seg needs the mask prototype "
                            + "output [1, M, H, W] besides '" + main + "'; the ONNX file has outputs "
                            + outputs.keySet() + (others.isEmpty() ? "" : ": name it in output.proto of the card"));
                }
                name = others.get(0);
            }
            NodeInfo info = outputs.get(name);
            if (info == null) {
                throw new ModelException("model " + ref().name() + ": card names proto output '" + name
                        + "', the ONNX file has " + outputs.keySet());
            }
            return new MainOutput(name, ((TensorInfo) info.getInfo()).getShape());
        } catch (OrtException e) {
            throw new ModelException("model " + ref().name() + ": cannot read output info: " + e.getMessage(), e);
        }
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
