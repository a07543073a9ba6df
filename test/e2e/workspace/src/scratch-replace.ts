// Scratch file for the completion replace scenario (test/e2e/scenarios/11-completion-replace.test.ts).
