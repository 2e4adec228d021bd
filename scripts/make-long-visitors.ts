/**
 * Generates two long recorded visitors for a full five-minute `mirror demo`: English (flite "slt" voice) and
 * Dutch (espeak-ng "nl" voice), each with 38 turns, more than a visit needs: the visit ends on the farewell.
 * Run: npx tsx scripts/make-long-visitors.ts [--out out/visitors]   → <out>/long-en, <out>/long-nl
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { drawSyntheticFace, encodePng } from "./lib/face-image.js";
import { speakWithFlite, type VisitorFixture } from "./make-fixtures.js";

const EN: string[] = [
  "Hello. My name is Anna.",
  "I work as a designer in a small studio.",
  "I live in Utrecht with my partner and our cat.",
  "I love sailing on the lake with my father.",
  "I grew up near the sea, in a small village.",
  "I am good at drawing, and at listening.",
  "My dog made me laugh this week, he stole a sandwich.",
  "I am a little nervous, but this is fun.",
  "I think I am braver than I look.",
  "I like quiet mornings and strong coffee.",
  "I dream about a house with a big garden.",
  "I am afraid of deep water, strangely enough.",
  "My mother taught me to be patient.",
  "I believe people are mostly kind.",
  "You sound a bit like me, but not quite.",
  "I see someone who looks tired, but happy.",
  "I would change nothing, maybe my haircut.",
  "I talk to myself when I cook.",
  "I have two sisters and one brother.",
  "I study Italian in the evenings.",
  "I come from a family of teachers.",
  "I think the copy is you, not me.",
  "That is a strange question to ask yourself.",
  "I love the smell of rain on warm stones.",
  "I am proud of my work this year.",
  "I would ask myself why I worry so much.",
  "It feels strange to hear my own voice.",
  "I think you know me quite well now.",
  "I walk to work along the canal every morning.",
  "My favourite place is the beach in winter.",
  "I would never tell a stranger how much I cry at films.",
  "I feel calm now, calmer than before.",
  "I came here because my friend said it was strange.",
  "I like the way you smile, it is my smile.",
  "I hope you remember me a little.",
  "I am a bit sad that you will be deleted.",
  "Thank you, this was really special.",
  "Goodbye, mirror.",
];

const NL: string[] = [
  "Hallo. Mijn naam is Anna.",
  "Ik werk als ontwerper in een kleine studio.",
  "Ik woon in Utrecht met mijn vriend en onze kat.",
  "Ik hou van zeilen op het meer met mijn vader.",
  "Ik ben opgegroeid bij de zee, in een klein dorp.",
  "Ik ben goed in tekenen, en in luisteren.",
  "Mijn hond liet me lachen deze week, hij stal een boterham.",
  "Ik ben een beetje zenuwachtig, maar dit is leuk.",
  "Ik denk dat ik dapperder ben dan ik lijk.",
  "Ik vind rustige ochtenden en sterke koffie fijn.",
  "Ik droom van een huis met een grote tuin.",
  "Ik ben bang voor diep water, gek genoeg.",
  "Mijn moeder leerde me geduld te hebben.",
  "Ik geloof dat mensen meestal aardig zijn.",
  "Je klinkt een beetje zoals ik, maar niet helemaal.",
  "Ik zie iemand die moe lijkt, maar gelukkig.",
  "Ik zou niets veranderen, misschien mijn kapsel.",
  "Ik praat tegen mezelf als ik kook.",
  "Ik heb twee zussen en een broer.",
  "Ik studeer Italiaans in de avond.",
  "Ik kom uit een familie van leraren.",
  "Ik denk dat jij de kopie bent, niet ik.",
  "Dat is een rare vraag om jezelf te stellen.",
  "Ik hou van de geur van regen op warme stenen.",
  "Ik ben trots op mijn werk dit jaar.",
  "Ik zou mezelf vragen waarom ik zoveel pieker.",
  "Het voelt raar om mijn eigen stem te horen.",
  "Ik denk dat je me nu best goed kent.",
  "Ik loop elke ochtend langs de gracht naar mijn werk.",
  "Mijn favoriete plek is het strand in de winter.",
  "Ik zou een vreemde nooit vertellen hoe vaak ik huil bij films.",
  "Ik voel me nu rustig, rustiger dan eerst.",
  "Ik kwam hier omdat een vriendin zei dat het vreemd was.",
  "Ik vind je glimlach mooi, het is mijn glimlach.",
  "Ik hoop dat je me een beetje onthoudt.",
  "Ik vind het een beetje verdrietig dat je gewist wordt.",
  "Dank je, dit was echt bijzonder.",
  "Dag, spiegel.",
];

const SAMPLE = {
  en: "The rainbow is a division of white light into many beautiful colors. These take the shape of a long round arch.",
  nl: "Een regenboog ontstaat als wit licht wordt gebroken in vele mooie kleuren. Samen vormen ze een lange ronde boog.",
};

function speakWithEspeak(text: string, outPath: string, voice: string): void {
  execFileSync("espeak-ng", ["-v", voice, "-s", "150", "-w", outPath, text], { stdio: "ignore" });
}

function write(dir: string, language: "en" | "nl", lines: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  const speak = (text: string, file: string): void =>
    language === "en" ? speakWithFlite(text, join(dir, file)) : speakWithEspeak(text, join(dir, file), "nl");
  speak(SAMPLE[language], "sample.wav");
  const fixture: VisitorFixture = {
    language,
    sampleText: SAMPLE[language],
    turns: lines.map((text, i) => ({ file: `turn-${String(i + 1).padStart(2, "0")}.wav`, text })),
  };
  for (const t of fixture.turns) speak(t.text, t.file);
  writeFileSync(join(dir, "photo.png"), encodePng(drawSyntheticFace()));
  writeFileSync(join(dir, "visitor.json"), JSON.stringify(fixture, null, 2) + "\n");
  console.log(`wrote ${dir} (${fixture.turns.length} turns, ${language})`);
}

const { values } = parseArgs({ options: { out: { type: "string", default: "out/visitors" } } });
const out = resolve(values.out ?? "out/visitors");
write(join(out, "long-en"), "en", EN);
write(join(out, "long-nl"), "nl", NL);
