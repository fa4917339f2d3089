package io.visionhub.vision.model;

import ai.onnxruntime.OrtSession;
import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.event.ModelRef;
import java.util.Arrays;
import java.util.List;

/**
 * A model of kind {@code classify}: output {@code [1, C]} logits (softmax applied unless the card says the
 * model outputs probabilities). Top class in okClasses: OK. Another class at or over its threshold: NG with a
 * whole-image defect of that class. Below the threshold: UNCERTAIN.
 */
public final class ClassifyModel extends OnnxModel {

    private final String outputName;
    private final List<String> classes;
    private final List<String> okClasses;
    private final boolean softmax;

    ClassifyModel(ModelCard card, ModelRef ref, OrtSession session, SessionTuning tuning) {
        super(card, ref, session, false);
        this.classes = card.classes();
        this.okClasses = card.okClasses() == null ? List.of(classes.get(0)) : card.okClasses();
        this.softmax = card.output() == null
                || card.output().softmax() == null
                || card.output().softmax();
        MainOutput main = mainOutput();
        this.outputName = main.name();
        long[] shape = main.shape();
        if (shape.length != 2 || shape[1] != classes.size()) {
            throw new ModelException("model " + ref.name() + ": classifier output is " + Arrays.toString(shape)
                    + " but the card lists " + classes.size() + " classes (expects [1, " + classes.size() + "])");
        }
        warmUp(tuning.warmupRuns());
    }

    @Override
    protected ModelVerdict decode(
            OrtSession.Result result, ImagePreprocessor.Geometry geo, double preMs, double runMs, long t0) {
        float[] out = floats(result, outputName, classes.size());
        checkFinite(out, outputName);
        double[] p = new double[classes.size()];
        if (softmax) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < p.length; i++) {
                max = Math.max(max, out[i]);
            }
            double sum = 0;
            for (int i = 0; i < p.length; i++) {
                p[i] = Math.exp(out[i] - max);
                sum += p[i];
            }
            for (int i = 0; i < p.length; i++) {
                p[i] /= sum;
            }
        } else {
            for (int i = 0; i < p.length; i++) {
                p[i] = out[i];
            }
        }
        int top = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[top]) {
                top = i;
            }
        }
        String name = classes.get(top);
        double conf = round3(Math.max(0, Math.min(1, p[top])));
        Verdict verdict;
        List<Defect> defects = List.of();
        if (okClasses.contains(name)) {
            verdict = conf >= card().thresholdFor(name, 0.0) ? Verdict.OK : Verdict.UNCERTAIN;
        } else if (conf >= card().thresholdFor(name, 0.5)) {
            verdict = Verdict.NG;
            defects = List.of(new Defect(name, conf, null));
        } else {
            verdict = Verdict.UNCERTAIN;
            defects = List.of(new Defect(name, conf, null));
        }
        if (verdict == Verdict.OK && card().uncertainBand() != null) {
            // the best defect class close to its threshold makes the part UNCERTAIN
            for (int i = 0; i < p.length; i++) {
                String c = classes.get(i);
                if (!okClasses.contains(c) && p[i] >= card().thresholdFor(c, 0.5) - card().uncertainBand()) {
                    verdict = Verdict.UNCERTAIN;
                    defects = List.of(new Defect(c, round3(p[i]), null));
                    break;
                }
            }
        }
        return new ModelVerdict(verdict, defects, null, preMs, runMs, ms(t0));
    }
}
