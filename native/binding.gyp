{
  "targets": [
    {
      "target_name": "genlab_linalg",
      "sources": ["genlab_linalg.c"],
      "cflags": ["-O3", "-fno-math-errno", "-std=c11"],
      "conditions": [
        ["OS=='linux'", {
          "defines": ["GENLAB_HAVE_OPENBLAS_CONFIG"],
          "include_dirs": ["<!@(pkg-config --cflags-only-I openblas lapacke 2>/dev/null | sed 's/-I//g' || true)"],
          "libraries": ["-llapacke", "-lopenblas"]
        }],
        ["OS=='mac'", {
          "defines": ["GENLAB_HAVE_OPENBLAS_CONFIG"],
          "include_dirs": ["/opt/homebrew/opt/openblas/include", "/usr/local/opt/openblas/include"],
          "libraries": ["-L/opt/homebrew/opt/openblas/lib", "-L/usr/local/opt/openblas/lib", "-llapacke", "-lopenblas"]
        }]
      ]
    }
  ]
}
