/* Marks one version requirement (a vernaux entry of .gnu.version_r) of an ELF64 shared object as
 * weak (VER_FLG_WEAK), so the dynamic loader accepts a library that lacks that version.
 * Usage: elf_weaken_verneed FILE VERSION. Exit 0 when the flag is set (or already was), 1 when
 * the file has no such requirement, 2 on any error. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *file, const char *what)
{
    fprintf(stderr, "elf_weaken_verneed: %s: %s\n", file, what);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 3)
    {
        fprintf(stderr, "usage: elf_weaken_verneed FILE VERSION\n");
        return 2;
    }
    const char *file = argv[1], *version = argv[2];
    FILE *f = fopen(file, "r+b");
    if (!f) return fail(file, "cannot open");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *image = malloc(size);
    if (!image || fread(image, 1, size, f) != (size_t)size) return fail(file, "cannot read");

    Elf64_Ehdr *header = (Elf64_Ehdr *)image;
    if (size < (long)sizeof *header || memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 ||
        header->e_ident[EI_CLASS] != ELFCLASS64)
        return fail(file, "not an ELF64 file");
    if (header->e_shoff + (Elf64_Off)header->e_shnum * sizeof(Elf64_Shdr) > (Elf64_Off)size)
        return fail(file, "section table out of range");

    Elf64_Shdr *sections = (Elf64_Shdr *)(image + header->e_shoff);
    int found = 0;
    for (int s = 0; s < header->e_shnum && !found; s++)
    {
        if (sections[s].sh_type != SHT_GNU_verneed) continue;
        const char *strings = (const char *)(image + sections[sections[s].sh_link].sh_offset);
        Elf64_Off need_offset = sections[s].sh_offset;
        for (;;)
        {
            Elf64_Verneed *need = (Elf64_Verneed *)(image + need_offset);
            Elf64_Off aux_offset = need_offset + need->vn_aux;
            for (int a = 0; a < need->vn_cnt; a++)
            {
                Elf64_Vernaux *aux = (Elf64_Vernaux *)(image + aux_offset);
                if (strcmp(strings + aux->vna_name, version) == 0)
                {
                    aux->vna_flags |= VER_FLG_WEAK;
                    fseek(f, (long)((unsigned char *)&aux->vna_flags - image), SEEK_SET);
                    if (fwrite(&aux->vna_flags, sizeof aux->vna_flags, 1, f) != 1)
                        return fail(file, "cannot write");
                    found = 1;
                }
                if (aux->vna_next == 0) break;
                aux_offset += aux->vna_next;
            }
            if (need->vn_next == 0) break;
            need_offset += need->vn_next;
        }
    }
    fclose(f);
    free(image);
    return found ? 0 : 1;
}
