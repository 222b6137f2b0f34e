package io.natt.suite;

import io.natt.iut.TargetProfile;
import io.natt.report.AllureScenarioReport;
import io.natt.report.ScenarioStatus;
import io.natt.report.WiresharkKeys;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one scenario leaves in the report: Allure labels, steps and attachments, key tables. */
final class ScenarioReports {
  private ScenarioReports() {}

  static void write(ScenarioResult r, TargetProfile target, boolean exportKeys, Path scenariosDir) {
    if (r.scenario().isEmpty() || r.outcome().isEmpty()) {
      return;
    }
    Scenario s = r.scenario().get();
    Runner.Outcome o = r.outcome().get();
    if (exportKeys && !o.trace().keys().isEmpty()) {
      WiresharkKeys.write(scenariosDir.resolve(s.id()).resolve("keys"), o.trace());
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("topology", topology(s));
    params.put("role", s.harness().role());
    params.put("ike", s.harness().ike().proposal() + " / esp " + s.harness().ike().espProposal());
    params.put("knobs", s.harness().knobs().toString());
    params.put("file", s.file().toString());
    List<AllureScenarioReport.StepLine> steps = new ArrayList<>();
    for (Runner.StepResult st : o.steps()) {
      steps.add(
          new AllureScenarioReport.StepLine(
              st.step() + (st.line() > 0 ? " (line " + st.line() + ")" : ""),
              st.status().name(),
              st.detail()));
    }
    AllureScenarioReport.decorate(
        new AllureScenarioReport.Content(
            s.id(),
            s.title(),
            s.judges(),
            params,
            List.of("topology:" + topology(s), "role:" + s.harness().role()),
            steps,
            r.judgements(),
            o.trace(),
            o.captures(),
            o.iutLog(),
            exportKeys,
            new ScenarioStatus.Result(
                r.verdict(),
                r.error().or(r::notApplicable).orElse(null),
                r.mismatches(),
                target.name(),
                target.knownResults())));
  }

  static String topology(Scenario s) {
    if (s.topology().harnessBehind().isEmpty() && s.topology().iutBehind().isEmpty()) {
      return "no-nat";
    }
    String h =
        s.topology().harnessBehind().isEmpty()
            ? ""
            : "harness-behind-" + String.join("+", s.topology().harnessBehind());
    String i =
        s.topology().iutBehind().isEmpty()
            ? ""
            : "iut-behind-" + String.join("+", s.topology().iutBehind());
    return h.isEmpty() ? i : i.isEmpty() ? h : h + "," + i;
  }
}
