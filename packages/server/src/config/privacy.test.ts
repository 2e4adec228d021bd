import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";
import { consentScreens, DEFAULT_CONSENT, RETENTION_ACKNOWLEDGEMENT } from "./privacy.js";

const optIn = {
  keepTranscripts: true,
  keepFor: "7d",
  dir: "/var/lib/mirror/kept",
  purpose: { en: "to improve the installation", nl: "om de installatie te verbeteren" },
  acknowledge: RETENTION_ACKNOWLEDGEMENT,
};

describe("consent text and retention in config", () => {
  it("by default keeps nothing and shows the kiosk's consent text, which says everything is deleted", () => {
    const c = loadConfig({ env: {} });
    expect(c.privacy.retention).toMatchObject({ keepTranscripts: false, keepVoiceSample: false, keepPhoto: false });
    const screens = consentScreens(c.privacy);
    expect(screens).toEqual(DEFAULT_CONSENT);
    expect(screens.en.kept).toBeUndefined();
    expect(screens.en.delete).toMatch(/everything is deleted/);
    expect(screens.nl.delete).toMatch(/wordt alles gewist/);
    expect(c.visit.kioskIdleTimeoutMs).toBe(90_000);
  });

  it("an operator's own consent lines replace the default ones per language", () => {
    const c = loadConfig({ env: {}, overrides: { privacy: { consent: { nl: { title: "Even dit eerst" } } } } });
    const screens = consentScreens(c.privacy);
    expect(screens.nl.title).toBe("Even dit eerst");
    expect(screens.nl.intro).toBe(DEFAULT_CONSENT.nl.intro);
    expect(screens.en).toEqual(DEFAULT_CONSENT.en);
  });

  it("refuses an opt-in without its directory, purpose in every language or the acknowledgement word for word", () => {
    const load = (retention: object) => loadConfig({ env: {}, overrides: { privacy: { retention } } });
    expect(() => load({ keepTranscripts: true })).toThrow(ConfigError);
    expect(() => load({ ...optIn, acknowledge: "yes" })).toThrow(/acknowledge: "I have the visitors' consent"/);
    expect(() => load({ ...optIn, dir: undefined })).toThrow(/own directory/);
    expect(() => load({ ...optIn, purpose: { en: "to improve the installation" } })).toThrow(/purpose in nl/);
    expect(() => load({ ...optIn, keepFor: "forever" })).toThrow(/duration/);
    expect(load(optIn).privacy.retention.keepTranscripts).toBe(true);
  });

  it("an opt-in is told to the visitor: what is kept, how long and why; the delete line no longer says everything", () => {
    const c = loadConfig({ env: {}, overrides: { privacy: { retention: optIn, consent: { en: { delete: "Everything is deleted!" } } } } });
    const { en, nl } = consentScreens(c.privacy);
    expect(en.kept).toBe("Kept after your visit, for 7 days (to improve the installation): what you said in the conversation. Then it is deleted too.");
    expect(en.delete).toBe("When you finish, your photo, your voice recording and the copy itself are deleted.");
    expect(en.use).toBe("Nothing is shared.");
    expect(nl.kept).toBe("Na je bezoek bewaren we 7 dagen (om de installatie te verbeteren): wat je zei in het gesprek. Daarna wordt ook dat gewist.");
    expect(nl.delete).toBe("Als je klaar bent, worden je foto, je stemopname en de kopie zelf gewist.");
  });

  it("names every opted-in item and the time in hours", () => {
    const c = loadConfig({ env: {}, overrides: { privacy: { retention: { ...optIn, keepPhoto: true, keepVoiceSample: true, keepFor: "36h" } } } });
    const { en, nl } = consentScreens(c.privacy);
    expect(en.kept).toMatch(/for 36 hours .*: your photo, your voice recording and what you said in the conversation\./);
    expect(en.delete).toBe("When you finish, the copy itself is deleted.");
    expect(nl.delete).toBe("Als je klaar bent, wordt de kopie zelf gewist.");
  });
});
