package io.visionhub.vision.teach;

import java.util.Arrays;

/**
 * How well scores separate good from defective parts: AUROC (probability that a random defective part scores
 * higher than a random good one; ties count half) and precision/recall of "score >= threshold means NG".
 */
public record HeldOutReport(
        int good,
        int defective,
        double auroc,
        double threshold,
        double precision,
        double recall,
        int truePositives,
        int falsePositives,
        int falseNegatives) {

    public static HeldOutReport of(double[] goodScores, double[] defectScores, double threshold) {
        double wins = 0;
        for (double d : defectScores) {
            for (double g : goodScores) {
                wins += d > g ? 1 : d == g ? 0.5 : 0;
            }
        }
        double auroc = goodScores.length == 0 || defectScores.length == 0
                ? Double.NaN
                : wins / ((double) goodScores.length * defectScores.length);
        int tp = (int) Arrays.stream(defectScores).filter(s -> s >= threshold).count();
        int fp = (int) Arrays.stream(goodScores).filter(s -> s >= threshold).count();
        int fn = defectScores.length - tp;
        double precision = tp + fp == 0 ? 1.0 : (double) tp / (tp + fp);
        double recall = defectScores.length == 0 ? 1.0 : (double) tp / defectScores.length;
        return new HeldOutReport(
                goodScores.length, defectScores.length, auroc, threshold, precision, recall, tp, fp, fn);
    }

    @Override
    public String toString() {
        return String.format(
                "held-out %d good / %d defective: AUROC %.4f, at threshold %.4f precision %.3f recall %.3f"
                        + " (TP %d, FP %d, FN %d)",
                good, defective, auroc, threshold, precision, recall, truePositives, falsePositives, falseNegatives);
    }
}
