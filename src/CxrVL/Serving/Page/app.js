"use strict";

// The page talks to the same service it came from: GET /v1/model once, POST /v1/studies per upload.
const drop = document.getElementById("drop");
const input = document.getElementById("files");
const status = document.getElementById("status");
let model = null;

function headers() {
  const key = document.getElementById("apikey").value.trim();
  return key ? { "X-Api-Key": key } : {};
}

function show(message, isError) {
  status.textContent = message;
  status.className = isError ? "error" : "";
}

async function loadModel() {
  const response = await fetch("/v1/model", { headers: headers() });
  if (!response.ok) {
    document.getElementById("model").textContent = "model description needs the API key";
    return;
  }
  model = await response.json();
  document.getElementById("model").textContent =
    `${model.method} (${model.engine}), ${model.labels.length} labels` + (model.report_model ? `, report model ${model.report_model}` : "");
  if (!model.saliency) {
    document.getElementById("saliency").checked = false;
    document.getElementById("saliency").disabled = true;
  }
  if (model.indexed_reports === 0) {
    document.getElementById("nearest").value = 0;
    document.getElementById("nearest").disabled = true;
  }
}

async function analyse(files) {
  if (files.length === 0) return;
  const form = new FormData();
  for (const file of files) form.append("images", file);
  const query = new URLSearchParams({
    saliency: document.getElementById("saliency").checked,
    nearest: document.getElementById("nearest").value || 0,
  });
  show(`analysing ${files.length} image(s)…`, false);
  try {
    const response = await fetch(`/v1/studies?${query}`, { method: "POST", body: form, headers: headers() });
    const body = await response.json();
    if (!response.ok) {
      show(`${response.status}: ${body.error}`, true);
      return;
    }
    render(body, files[0]);
    show(`done in ${body.timings.total_ms.toFixed(0)} ms`, false);
  } catch (error) {
    show(`the service could not be reached: ${error}`, true);
  }
}

function render(study, firstFile) {
  document.getElementById("results").hidden = false;
  const ranked = [...study.scores].sort((a, b) => b.score - a.score);
  const low = Math.min(...ranked.map(s => s.score));
  const high = Math.max(...ranked.map(s => s.score));
  const bars = document.getElementById("bars");
  bars.replaceChildren();
  const overlays = new Map((study.saliency || []).map(s => [s.label, s.png_base64]));
  for (const item of ranked) {
    const row = document.createElement("div");
    row.className = "bar";
    row.dataset.label = item.label;
    const name = document.createElement("span");
    name.textContent = item.label;
    const track = document.createElement("div");
    track.className = "track";
    const fill = document.createElement("div");
    fill.className = "fill";
    // Similarities are cosines; the bars span the study's own range so that the order reads at a glance.
    fill.style.width = `${high > low ? 8 + 92 * (item.score - low) / (high - low) : 100}%`;
    track.append(fill);
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = item.score.toFixed(4);
    row.append(name, track, value);
    row.addEventListener("click", () => choose(item.label, overlays, firstFile));
    bars.append(row);
  }
  choose(ranked[0].label, overlays, firstFile);
  document.getElementById("report").textContent = study.report ?? "(no report model is loaded)";
  const nearest = document.getElementById("nearest-reports");
  nearest.replaceChildren();
  for (const item of study.nearest_reports || []) {
    const li = document.createElement("li");
    const similarity = document.createElement("div");
    similarity.className = "similarity";
    similarity.textContent = `${item.study_id}, similarity ${item.similarity.toFixed(3)}`;
    li.append(similarity, document.createTextNode(item.text));
    nearest.append(li);
  }
  document.getElementById("provenance").textContent = JSON.stringify({ images: study.images, provenance: study.provenance, timings: study.timings }, null, 2);
}

function choose(label, overlays, firstFile) {
  for (const row of document.querySelectorAll(".bar")) row.classList.toggle("chosen", row.dataset.label === label);
  const image = document.getElementById("overlay-image");
  const caption = document.getElementById("overlay-caption");
  if (overlays.has(label)) {
    image.src = `data:image/png;base64,${overlays.get(label)}`;
    caption.textContent = `saliency of "${label}" over the image as the model saw it`;
  } else {
    // Without saliency the browser shows the upload itself when it can (PNG, JPEG; not DICOM).
    image.src = URL.createObjectURL(firstFile);
    caption.textContent = "the uploaded image (no saliency map)";
  }
}

drop.addEventListener("dragover", event => { event.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", event => {
  event.preventDefault();
  drop.classList.remove("over");
  analyse([...event.dataTransfer.files]);
});
input.addEventListener("change", () => analyse([...input.files]));
document.getElementById("apikey").addEventListener("change", loadModel);
loadModel();
