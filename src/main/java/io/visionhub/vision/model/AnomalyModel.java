package io.visionhub.vision.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.event.ModelRef;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model of kind {@code anomaly}: outputs an anomaly map (1 x 1 x h x w, higher = more unusual) and a score.
 * Score at or over the card threshold is NG; connected map regions over the region threshold whose peak
 * reaches the threshold become defects, boxed in original-frame pixels.
 */
public final class AnomalyModel extends OnnxModel {

    private final String mapName;
    private final String scoreName;
    private final double threshold;
    private final double regionThreshold;
    private final int minCells;
    private final String defectClass;
    private final double uncertainFrom;
    private final int mapW;
    private final int mapH;

    AnomalyModel(ModelCard card, ModelRef ref, OrtSession session, SessionTuning tuning) {
        this(card, ref, session, tuning, Map.of());
    }

    /** @param constants inputs fed with every frame (a PatchCore memory bank), closed with the model */
    AnomalyModel(
            ModelCard card,
            ModelRef ref,
            OrtSession session,
            SessionTuning tuning,
            Map<String, ai.onnxruntime.OnnxTensor> constants) {
        super(card, ref, session, false);
        constantInputs(constants);
        ModelCard.Output out = card.output();
        this.mapName = out != null && out.map() != null ? out.map() : "anomaly_map";
        this.scoreName = out != null && out.score() != null ? out.score() : "score";
        ModelCard.Anomaly a = card.anomaly();
        this.threshold = a.threshold();
        double band = card.uncertainBand() == null ? 0 : card.uncertainBand();
        this.regionThreshold = Math.min(
                a.regionThreshold() == null ? a.threshold() * 0.6 : a.regionThreshold(), a.threshold() * (1 - band));
        this.minCells = a.minRegionCells() == null ? 2 : a.minRegionCells();
        this.defectClass = a.defectClass() == null ? "anomaly" : a.defectClass();
        this.uncertainFrom = card.uncertainBand() == null ? threshold : threshold * (1 - card.uncertainBand());
        try {
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            if (!outputs.containsKey(mapName) || !outputs.containsKey(scoreName)) {
                throw new ModelException("model " + ref.name() + ": card expects outputs '" + mapName + "' and '"
                        + scoreName + "', the ONNX file has " + outputs.keySet());
            }
            long[] shape = ((TensorInfo) outputs.get(mapName).getInfo()).getShape();
            if (shape.length != 4 || shape[2] <= 0 || shape[3] <= 0) {
                throw new ModelException(
                        "model " + ref.name() + ": anomaly map output must be 1x1xHxW, is " + Arrays.toString(shape));
            }
            mapH = (int) shape[2];
            mapW = (int) shape[3];
            for (String in : session.getInputInfo().keySet()) {
                if (!in.equals(inputName()) && !constants.containsKey(in)) {
                    throw new ModelException("model " + ref.name() + ": the ONNX file also needs input '" + in
                            + "', which this card does not feed (a PatchCore model needs anomaly.method: patchcore "
                            + "and its memory bank)");
                }
            }
        } catch (OrtException e) {
            throw new ModelException("model " + ref.name() + ": cannot read output info: " + e.getMessage(), e);
        }
        warmUp(tuning.warmupRuns());
    }

    public double threshold() {
        return threshold;
    }

    /** The anomaly map of one image (row-major, mapWidth x mapHeight over the model input) and its score. */
    public record AnomalyMap(float[] values, int width, int height, double score) {}

    /** Runs one image and returns the map itself (evaluation: pixel AUROC, heat maps), not a verdict. */
    public AnomalyMap anomalyMap(BufferedImage image) {
        return runOn(image, (result, geo, preMs, runMs, t0) -> {
            float[] map = floats(result, mapName, mapW * mapH);
            float score = floats(result, scoreName, 1)[0];
            checkFinite(map, mapName);
            return new AnomalyMap(Arrays.copyOf(map, mapW * mapH), mapW, mapH, score);
        });
    }

    @Override
    protected ModelVerdict decode(
            OrtSession.Result result, ImagePreprocessor.Geometry geo, double preMs, double runMs, long t0) {
        float[] map = floats(result, mapName, mapW * mapH);
        float score = floats(result, scoreName, 1)[0];
        checkFinite(map, mapName);
        if (!Float.isFinite(score)) {
            throw new ModelException("model " + ref().name() + ": output '" + scoreName + "' is " + score
                    + " (NaN/Inf): the model or its input is broken");
        }
        Verdict verdict;
        List<Defect> defects;
        if (score >= threshold) {
            verdict = Verdict.NG;
            defects = regions(map, geo, threshold);
        } else if (score >= uncertainFrom) {
            // close below the threshold: shown for review, with the regions that made it close
            verdict = Verdict.UNCERTAIN;
            defects = regions(map, geo, uncertainFrom);
        } else {
            verdict = Verdict.OK;
            defects = List.of();
        }
        return new ModelVerdict(verdict, defects, (double) score, preMs, runMs, ms(t0));
    }

    /** Connected regions (4-neighbour) of map cells over the region threshold, peak at or over the threshold. */
    private List<Defect> regions(float[] map, ImagePreprocessor.Geometry geo, double peakThreshold) {
        boolean[] seen = new boolean[map.length];
        int[] stack = new int[map.length];
        List<Defect> found = new ArrayList<>();
        double cellW = (double) preprocessor().width() / mapW;
        double cellH = (double) preprocessor().height() / mapH;
        for (int start = 0; start < map.length; start++) {
            if (seen[start] || map[start] < regionThreshold) {
                continue;
            }
            int sp = 0;
            stack[sp++] = start;
            seen[start] = true;
            int minX = mapW, minY = mapH, maxX = -1, maxY = -1, cells = 0;
            float peak = 0;
            while (sp > 0) {
                int i = stack[--sp];
                int x = i % mapW;
                int y = i / mapW;
                cells++;
                peak = Math.max(peak, map[i]);
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
                if (x > 0) sp = push(map, seen, stack, sp, i - 1);
                if (x < mapW - 1) sp = push(map, seen, stack, sp, i + 1);
                if (y > 0) sp = push(map, seen, stack, sp, i - mapW);
                if (y < mapH - 1) sp = push(map, seen, stack, sp, i + mapW);
            }
            if (cells >= minCells && peak >= peakThreshold) {
                double conf = Math.min(1.0, 0.5 + 0.5 * (peak - threshold) / threshold);
                found.add(new Defect(
                        defectClass,
                        round3(conf),
                        geo.toOriginal(minX * cellW, minY * cellH, (maxX + 1) * cellW, (maxY + 1) * cellH)));
            }
        }
        found.sort((a, b) -> Double.compare(b.confidence(), a.confidence()));
        return found;
    }

    private int push(float[] map, boolean[] seen, int[] stack, int sp, int j) {
        if (!seen[j] && map[j] >= regionThreshold) {
            seen[j] = true;
            stack[sp++] = j;
        }
        return sp;
    }

    public int mapWidth() {
        return mapW;
    }

    public int mapHeight() {
        return mapH;
    }
}
