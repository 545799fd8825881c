// Copy buttons for code blocks: being written on branch h-hl (issue 14).
