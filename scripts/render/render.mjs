// Renders guard's markdown (a PR comment) and SVG charts the way GitHub shows them, and screenshots them in
// GitHub's light and dark themes at its 832 px content width. Driven by scripts/render-report.sh, which
// installs the packages this imports into a cache directory and passes it as --modules.
//
//   node render.mjs --modules DIR --out DIR [--chromium PATH] [--breaks|--no-breaks] FILE.md|FILE.svg...
//
// Markdown: markdown-it with raw HTML passed through (CommonMark, as GitHub's renderer), tables, and soft
// line breaks as <br> (GitHub does that in comments; --no-breaks for README-like documents). ```mermaid
// blocks are drawn by the mermaid package with theme `default` (light) or `dark`, as GitHub's viewer does.
// Every <details> is opened so its contents show in the screenshot. SVG files are shown as GitHub shows an
// image in a markdown file: an <img> of at most the content width.
//
// Besides the PNGs, it prints what a reader would trip over: mermaid blocks that fail to parse (exit 1),
// tables wider than the content (they scroll on GitHub), and for each SVG the scale it is shown at and the
// smallest text size after that scale.

import { createRequire } from "node:module";
import { readFileSync, mkdirSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";

const WIDTH = 832; // GitHub's markdown content width (px), comments and files alike.
const PAD = 16;
const THEMES = {
  light: { css: "github-markdown-light.css", bg: "#ffffff", mermaid: "default" },
  dark: { css: "github-markdown-dark.css", bg: "#0d1117", mermaid: "dark" },
};

function parseArgs(argv) {
  const o = { files: [], breaks: true, chromium: "/usr/bin/chromium" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--modules") o.modules = argv[++i];
    else if (a === "--out") o.out = argv[++i];
    else if (a === "--chromium") o.chromium = argv[++i];
    else if (a === "--breaks") o.breaks = true;
    else if (a === "--no-breaks") o.breaks = false;
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (!o.modules || !o.out || o.files.length === 0) {
    throw new Error("usage: render.mjs --modules DIR --out DIR [--chromium PATH] FILE.md|FILE.svg...");
  }
  return o;
}

const escapeHtml = (s) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function markdownToHtml(req, text, breaks) {
  const MarkdownIt = req("markdown-it");
  const md = new MarkdownIt({ html: true, linkify: true, breaks });
  const fence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const t = tokens[idx];
    if (t.info.trim() === "mermaid") {
      return `<div class="mermaid-block"><pre class="mermaid">${escapeHtml(t.content)}</pre></div>\n`;
    }
    return fence(tokens, idx, options, env, self);
  };
  return md.render(text);
}

/// The smallest font-size in an SVG's text, in its own user units, and its intrinsic width (viewBox or width).
function svgFacts(text) {
  const sizes = [...text.matchAll(/font-size="([\d.]+)(?:px)?"/g)].map((m) => Number(m[1]));
  const vb = text.match(/viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"/);
  const w = text.match(/<svg[^>]*\swidth="([\d.]+)/);
  return {
    minFont: sizes.length ? Math.min(...sizes) : null,
    width: vb ? Number(vb[1]) : w ? Number(w[1]) : null,
  };
}

function page(modules, theme, body) {
  const css = readFileSync(join(modules, "github-markdown-css", THEMES[theme].css), "utf8");
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style><style>
html, body { margin: 0; background: ${THEMES[theme].bg}; }
body { padding: ${PAD}px; width: ${WIDTH}px; }
.markdown-body { width: ${WIDTH}px; box-sizing: border-box; }
.mermaid-block { margin-bottom: 16px; }
.markdown-body pre.mermaid { background: transparent; padding: 0; white-space: pre; }
</style></head><body><article class="markdown-body">${body}</article></body></html>`;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const modules = resolve(o.modules);
  const req = createRequire(join(modules, "..", "package.json"));
  const { chromium } = req("playwright-core");
  const mermaidJs = join(modules, "mermaid", "dist", "mermaid.min.js");
  const mermaidVersion = JSON.parse(readFileSync(join(modules, "mermaid", "package.json"), "utf8")).version;
  mkdirSync(o.out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: o.chromium,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  let failed = false;
  try {
    for (const file of o.files) {
      const text = readFileSync(file, "utf8");
      const isSvg = extname(file).toLowerCase() === ".svg";
      const body = isSvg
        ? `<p><img alt="${escapeHtml(basename(file))}" src="data:image/svg+xml;base64,${Buffer.from(text).toString("base64")}"></p>`
        : markdownToHtml(req, text, o.breaks);
      for (const theme of Object.keys(THEMES)) {
        const ctx = await browser.newContext({
          viewport: { width: WIDTH + 2 * PAD, height: 600 },
          colorScheme: theme,
          deviceScaleFactor: 1,
        });
        const p = await ctx.newPage();
        await p.setContent(page(modules, theme, body), { waitUntil: "load" });
        await p.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
        const blocks = await p.locator("pre.mermaid").count();
        if (blocks > 0) {
          await p.addScriptTag({ path: mermaidJs });
          const errors = await p.evaluate(async (mermaidTheme) => {
            const m = globalThis.mermaid;
            m.initialize({ startOnLoad: false, theme: mermaidTheme, securityLevel: "strict" });
            const errs = [];
            const nodes = [...document.querySelectorAll("pre.mermaid")];
            for (const [i, n] of nodes.entries()) {
              try {
                await m.parse(n.textContent);
              } catch (e) {
                errs.push(`mermaid block ${i + 1}: ${String(e.message || e).split("\n").slice(0, 3).join(" ")}`);
              }
            }
            try {
              await m.run({ nodes, suppressErrors: true });
            } catch (e) {
              errs.push(`mermaid.run: ${e.message || e}`);
            }
            return errs;
          }, THEMES[theme].mermaid);
          if (errors.length) {
            failed = true;
            for (const e of errors) console.error(`${file} (${theme}, mermaid ${mermaidVersion}): ${e}`);
          }
        }
        if (theme === "light") {
          const facts = await p.evaluate((width) => {
            const wide = [...document.querySelectorAll(".markdown-body table")]
              .map((t, i) => ({ i: i + 1, w: t.scrollWidth, head: t.rows[0]?.innerText.replace(/\s+/g, " ").trim() }))
              .filter((t) => t.w > width);
            const imgs = [...document.querySelectorAll(".markdown-body img")].map((i) => i.getBoundingClientRect().width);
            const charts = [...document.querySelectorAll(".mermaid-block svg")].map((s) => {
              const r = s.getBoundingClientRect();
              const texts = [...s.querySelectorAll("text")].map((t) => parseFloat(getComputedStyle(t).fontSize));
              const clipped = [...s.querySelectorAll("text")]
                .map((t) => t.getBoundingClientRect())
                .filter((b) => b.width > 0 && (b.left < r.left - 0.5 || b.right > r.right + 0.5)).length;
              return { w: Math.round(r.width), min: texts.length ? Math.min(...texts) : null, clipped };
            });
            return { wide, imgs, charts };
          }, WIDTH);
          for (const t of facts.wide) {
            console.log(`${file}: table ${t.i} (${t.head}) is ${t.w} px wide in ${WIDTH}: it scrolls`);
          }
          facts.charts.forEach((c, i) => {
            console.log(
              `${file}: mermaid chart ${i + 1}: ${c.w} px wide, smallest text ${c.min} px` +
                (c.clipped ? `, ${c.clipped} text element(s) cut at the edge` : ""),
            );
          });
          if (isSvg) {
            const f = svgFacts(text);
            const shown = facts.imgs[0];
            if (f.width && shown) {
              const scale = shown / f.width;
              const min = f.minFont == null ? "no" : `${(f.minFont * scale).toFixed(1)} px`;
              console.log(
                `${file}: ${f.width} px shown at ${Math.round(shown)} px (scale ${scale.toFixed(2)}); smallest text ${f.minFont} -> ${min}`,
              );
            }
          }
        }
        const out = join(o.out, `${basename(file, extname(file))}-${theme}.png`);
        await p.screenshot({ path: out, fullPage: true });
        console.log(`wrote ${out}`);
        await ctx.close();
      }
    }
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`render.mjs: ${e.stack || e}`);
  process.exit(2);
});
