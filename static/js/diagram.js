// Mermaid diagram loader: being written on branch h-math (issue 14).
