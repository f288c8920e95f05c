// Provides std::ios_base_library_init(), which GCC 13's libstdc++ exports at GLIBCXX_3.4.32 and
// TorchSharp's native shim references. Older libstdc++ (Debian 12: GCC 12) lacks it; the shim only
// needs the iostreams to be initialised, which constructing one static ios_base::Init does.
#include <ios>

namespace std
{
    void ios_base_library_init()
    {
        static ios_base::Init init;
    }
}
