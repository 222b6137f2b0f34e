package io.natt.report;

import io.qameta.allure.Allure;
import org.testng.SkipException;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * The tiny suite whose Allure results {@link HtmlReportTest} turns into HTML: one passing test with
 * an attachment, one failing with a diagnosis, both labelled. Its name matches none of surefire's
 * test patterns; run any other way than from HtmlReportTest it skips, so its deliberate failure
 * never fails the build.
 */
public class HtmlReportSample {
  static final String DIAGNOSIS =
      "NAT-D diagnosis: the IUT hashed port 500 in message 3 although the peer sent from 4500";
  static final String ATTACHMENT_TEXT =
      "trace excerpt: 10.0.1.2:4500 -> 198.51.100.2:4500 ESP-in-UDP";

  /** Set by HtmlReportTest around its own TestNG run. */
  static volatile boolean enabled;

  @BeforeMethod
  public void onlyFromHtmlReportTest() {
    if (!enabled) {
      throw new SkipException("sample for HtmlReportTest; it runs only from there");
    }
  }

  @Test
  public void initiatorFloatsTo4500AtMessage5() {
    Allure.epic("RFC 3947");
    Allure.feature("NAT-T negotiation");
    Allure.story("Float to port 4500");
    Allure.label("severity", "critical");
    Allure.addAttachment("trace.txt", "text/plain", ATTACHMENT_TEXT);
  }

  @Test
  public void responderNatdHashCoversFloatedPort() {
    Allure.epic("RFC 3947");
    Allure.feature("NAT detection");
    Allure.story("NAT-D hashes");
    Allure.label("severity", "blocker");
    throw new AssertionError(DIAGNOSIS);
  }
}
