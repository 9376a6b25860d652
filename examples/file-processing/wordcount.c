// SPDX-License-Identifier: Apache-2.0
//
// file-processing: counts lines, words and bytes of every regular file in an
// input directory (like `wc`) and writes the table to an output file.
//
//   wordcount INPUT_DIR OUTPUT_FILE
//
// The module has no access to the host's filesystem except the directories
// Cloister.toml preopens: here the input read-only and the output read-write
// (see Cloister.toml). Paths are the guest paths of those preopens; wasi-libc
// resolves them against the preopen whose guest path is their prefix.
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct counts {
  size_t lines, words, bytes;
};

static int count_file(const char* path, struct counts* out) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return -1;
  struct counts c = {0, 0, 0};
  int in_word = 0;
  int ch;
  while ((ch = fgetc(f)) != EOF) {
    ++c.bytes;
    if (ch == '\n') ++c.lines;
    if (isspace(ch)) {
      in_word = 0;
    } else if (!in_word) {
      in_word = 1;
      ++c.words;
    }
  }
  const int failed = ferror(f);
  fclose(f);
  if (failed) return -1;
  *out = c;
  return 0;
}

static int compare_names(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: wordcount INPUT_DIR OUTPUT_FILE\n");
    return 2;
  }
  const char* input_dir = argv[1];
  const char* output_path = argv[2];

  // Collect and sort the names so that the report does not depend on the
  // order in which the host's filesystem lists the directory.
  DIR* dir = opendir(input_dir);
  if (dir == NULL) {
    fprintf(stderr, "wordcount: cannot open %s: %s\n", input_dir, strerror(errno));
    return 1;
  }
  char** names = NULL;
  size_t count = 0;
  struct dirent* entry;
  while ((entry = readdir(dir)) != NULL) {
    if (entry->d_type != DT_REG) continue;
    char** grown = realloc(names, (count + 1) * sizeof *names);
    if (grown == NULL || (grown[count] = strdup(entry->d_name)) == NULL) {
      fprintf(stderr, "wordcount: out of memory\n");
      return 1;
    }
    names = grown;
    ++count;
  }
  closedir(dir);
  qsort(names, count, sizeof *names, compare_names);

  FILE* out = fopen(output_path, "w");
  if (out == NULL) {
    fprintf(stderr, "wordcount: cannot create %s: %s\n", output_path, strerror(errno));
    return 1;
  }
  struct counts total = {0, 0, 0};
  for (size_t i = 0; i < count; ++i) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", input_dir, names[i]);
    struct counts c;
    if (count_file(path, &c) != 0) {
      fprintf(stderr, "wordcount: cannot read %s: %s\n", path, strerror(errno));
      return 1;
    }
    fprintf(out, "%7zu %7zu %7zu %s\n", c.lines, c.words, c.bytes, names[i]);
    total.lines += c.lines;
    total.words += c.words;
    total.bytes += c.bytes;
    free(names[i]);
  }
  free(names);
  fprintf(out, "%7zu %7zu %7zu total\n", total.lines, total.words, total.bytes);
  if (fclose(out) != 0) {
    fprintf(stderr, "wordcount: cannot write %s: %s\n", output_path, strerror(errno));
    return 1;
  }
  printf("wordcount: %zu files, %zu lines, %zu words, %zu bytes -> %s\n", count, total.lines,
         total.words, total.bytes, output_path);
  return 0;
}
