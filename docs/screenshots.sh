#!/usr/bin/env bash
# Regenerates the README's screenshots: runs the browser tests (Debian's chromium and
# chromium-driver, see the README) and keeps the pages the README shows.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -p commons-tests --test e2e web_browser
# The tests write here whatever CARGO_TARGET_DIR is (tests/src/browser.rs).
shots=target/screenshots
mkdir -p docs/screenshots
cp "$shots/search-and-tool-02-results.png" docs/screenshots/search.png
cp "$shots/search-and-tool-03-tool.png" docs/screenshots/tool.png
cp "$shots"/share-moderate-find-*-moderation-queue.png docs/screenshots/moderation.png
cp "$shots"/share-moderate-find-*-form-error.png docs/screenshots/tool-form.png
cp "$shots"/share-moderate-find-*-draft-with-file.png docs/screenshots/check-answers.png
cp "$shots"/share-moderate-find-*-check-answers-phone.png docs/screenshots/check-answers-phone.png
cp "$shots/sign-in-phone-02-results-phone.png" docs/screenshots/phone.png
cp "$shots"/collaborations-*-joint-service.png docs/screenshots/joint-service.png
cp "$shots"/collaborations-*-organisation.png docs/screenshots/organisation.png
cp "$shots"/evaluation-*-cgg.png docs/screenshots/evaluation.png
cp "$shots"/evaluation-*-trend.png docs/screenshots/trend.png
ls -l docs/screenshots
